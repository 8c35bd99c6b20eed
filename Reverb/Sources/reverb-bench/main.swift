// reverb-bench ADDRESS TABLE OBSERVATION_SIZE ACTION_SIZE INSERTS SAMPLE_BATCH SAMPLE_CALLS
//
// Throughput of the Swift Reverb client against a running server: transitions inserted per second (chunks of 64,
// one item each, flushed until the server confirmed every item), and transitions sampled per second in batches of
// SAMPLE_BATCH (one SampleStream call each) and of 1. Prints one JSON line. scripts/bench-reverb runs it beside
// Reverb's Python client on the same server and table.
import Foundation
import ReverbClient
import Transitions

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 7, let observationSize = Int(arguments[arguments.startIndex + 2]), let actionSize = Int(arguments[arguments.startIndex + 3]),
      let inserts = Int(arguments[arguments.startIndex + 4]), let sampleBatch = Int(arguments[arguments.startIndex + 5]),
      let sampleCalls = Int(arguments[arguments.startIndex + 6]) else {
    FileHandle.standardError.write("usage: reverb-bench ADDRESS TABLE OBSERVATION_SIZE ACTION_SIZE INSERTS SAMPLE_BATCH SAMPLE_CALLS\n".data(using: .utf8)!)
    exit(2)
}
let address = arguments[arguments.startIndex], tableName = arguments[arguments.startIndex + 1]

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try await body()
    let elapsed = clock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

do {
    let client = try ReverbClient(address)
    let table = try await client.transitionTable(tableName, observationSize: observationSize, actionSize: actionSize)
    var batch = TransitionBatch(observationSize: observationSize, actionSize: actionSize, reservingCapacity: inserts)
    for i in 0..<inserts {
        let x = Float(i % 1000) / 1000
        batch.append(observation: [Float](repeating: x, count: observationSize), action: [Float](repeating: -x, count: actionSize),
                     reward: x, nextObservation: [Float](repeating: x + 0.001, count: observationSize), terminated: i % 200 == 199,
                     truncated: false, behaviorLogProbability: -x, episodeID: UInt64(i / 200), stepIndex: UInt32(i % 200))
    }
    let writer = client.makeWriter(for: table, chunkLength: 64)
    let insertSeconds = try await seconds {
        try await writer.append(batch)
        try await writer.flush()
    }
    try await writer.close()
    let batchSeconds = try await seconds {
        for _ in 0..<sampleCalls { _ = try await client.sample(from: table, batchSize: sampleBatch) }
    }
    let singleCalls = max(1, sampleCalls * sampleBatch / 64)
    let singleSeconds = try await seconds {
        for _ in 0..<singleCalls { _ = try await client.sample(from: table, batchSize: 1) }
    }
    let result: [String: Double] = [
        "inserts_per_second": Double(inserts) / insertSeconds,
        "sampled_per_second_batch": Double(sampleCalls * sampleBatch) / batchSeconds,
        "sampled_per_second_single": Double(singleCalls) / singleSeconds,
        "sample_batch": Double(sampleBatch),
    ]
    let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
    await client.close()
} catch {
    FileHandle.standardError.write("reverb-bench: \(error)\n".data(using: .utf8)!)
    exit(1)
}
