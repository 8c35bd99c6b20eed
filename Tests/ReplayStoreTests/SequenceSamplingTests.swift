import Randomness
import Transitions
import XCTest
@testable import ReplayStore

/// `ReplayStore.sampleSequences`: runs of consecutive transitions within one episode, uniform over
/// valid starts, through eviction and pinned chunks.
final class SequenceSamplingTests: XCTestCase {
    enum Ending { case terminated, truncated, open }

    struct Episode {
        var id: UInt64
        var length: Int
        var ending: Ending
        var firstStep: UInt32 = 0
        var source: TransitionSource = .online
    }

    /// The transitions of `episodes`, in order; transition g has reward g, so a sampled row names itself.
    static func transitions(_ episodes: [Episode], startingAt first: Int = 0) -> TransitionBatch {
        var batch = TransitionBatch(observationSize: 2, actionSize: 1)
        var global = first
        for episode in episodes {
            for step in 0..<episode.length {
                let last = step == episode.length - 1
                batch.append(observation: [Float(global), 0.5], action: [Float(step)], reward: Float(global),
                             nextObservation: [Float(global + 1), 0.5],
                             terminated: last && episode.ending == .terminated, truncated: last && episode.ending == .truncated,
                             behaviorLogProbability: -Float(global), episodeID: episode.id,
                             stepIndex: episode.firstStep + UInt32(step), source: episode.source)
                global += 1
            }
        }
        return batch
    }

    /// The valid starts (global indices) of `batch`, by definition, among the transitions `live` says are live.
    static func validStarts(_ batch: TransitionBatch, length: Int, live: (Int) -> Bool = { _ in true }) -> Set<Int> {
        var starts = Set<Int>()
        for start in 0..<batch.count where start + length <= batch.count {
            var valid = (start..<(start + length)).allSatisfy(live)
            for k in 1..<max(length, 1) where valid {
                let previous = start + k - 1, current = start + k
                valid = batch.episodeIDs[current] == batch.episodeIDs[previous]
                    && batch.stepIndices[current] == batch.stepIndices[previous] + 1
                    && !batch.terminated[previous] && !batch.truncated[previous]
            }
            if valid { starts.insert(start) }
        }
        return starts
    }

    /// Checks every run of `sampled` against the definition; returns the starts (global indices).
    func checkRuns(_ sampled: TransitionBatch, count: Int, length: Int, file: StaticString = #filePath, line: UInt = #line) -> [Int] {
        XCTAssertEqual(sampled.count, count * length, file: file, line: line)
        return (0..<count).map { s in
            let first = s * length
            for k in 1..<max(length, 1) {
                let previous = first + k - 1, current = first + k
                XCTAssertEqual(sampled.rewards[current], sampled.rewards[previous] + 1, "run \(s) skips a transition", file: file, line: line)
                XCTAssertEqual(sampled.episodeIDs[current], sampled.episodeIDs[previous], "run \(s) crosses an episode", file: file, line: line)
                XCTAssertEqual(sampled.stepIndices[current], sampled.stepIndices[previous] + 1, "run \(s) skips a step", file: file, line: line)
                XCTAssertFalse(sampled.terminated[previous] || sampled.truncated[previous], "run \(s) continues past an episode's end",
                               file: file, line: line)
            }
            for k in 0..<length {
                let row = first + k, global = Int(sampled.rewards[row])
                XCTAssertEqual(sampled.observations[row * 2], Float(global), file: file, line: line)
                XCTAssertEqual(sampled.behaviorLogProbabilities[row], -Float(global), file: file, line: line)
            }
            return Int(sampled.rewards[first])
        }
    }

    /// Episodes of lengths 1 to 9, every kind of ending, an open episode followed by another one
    /// (the id changes without an end flag), and a step gap inside one episode id.
    static let knownEpisodes: [Episode] = [
        Episode(id: 0, length: 4, ending: .terminated),
        Episode(id: 1, length: 1, ending: .truncated),
        Episode(id: 2, length: 2, ending: .terminated),
        Episode(id: 3, length: 7, ending: .truncated),
        Episode(id: 4, length: 3, ending: .open),
        Episode(id: 5, length: 9, ending: .terminated),
        Episode(id: 6, length: 2, ending: .open),
        Episode(id: 6, length: 5, ending: .terminated, firstStep: 10),  // same id, steps 10…: a gap after step 1
        Episode(id: 7, length: 3, ending: .truncated),
    ]

    func makeStore(_ batch: TransitionBatch, capacity: Int = 1000, chunkLength: Int = 4) throws -> ReplayStore {
        let path = try temporaryDirectory(self) + "/store"
        let store = try ReplayStore.create(at: path, schema: StoreSchema(observationSize: 2, actionSize: 1, capacity: capacity,
                                                                           chunkLength: chunkLength))
        try store.append(batch)
        return store
    }

    func testRunsAreConsecutiveWithinOneEpisodeAndEveryValidStartIsReachable() throws {
        let batch = Self.transitions(Self.knownEpisodes)
        let store = try makeStore(batch)
        for length in [1, 2, 3, 5] {
            let expected = Self.validStarts(batch, length: length)
            var generator = SeededGenerator(seed: UInt64(length))
            var counts: [Int: Int] = [:]
            let draws = 400 * expected.count
            let sampled = try store.sampleSequences(count: draws, length: length, using: &generator)
            for start in checkRuns(sampled, count: draws, length: length) { counts[start, default: 0] += 1 }
            XCTAssertEqual(Set(counts.keys), expected, "length \(length): the sampled starts are exactly the valid ones")
            // Uniform: each count is Binomial(draws, 1/V); within 5 standard deviations of its mean.
            let p = 1 / Double(expected.count), mean = Double(draws) * p, sd = (Double(draws) * p * (1 - p)).squareRoot()
            for (start, count) in counts {
                XCTAssertLessThan(abs(Double(count) - mean), 5 * sd, "length \(length): start \(start) drawn \(count) times, expected \(mean)")
            }
        }
        // Hand-checked: with length 3 the valid starts are 0, 1 (episode 0), 7…11 (episode 3),
        // 14 (episode 4), 17…23 (episode 5), 28…30 (episode 6's second part), 33 (episode 7).
        XCTAssertEqual(Self.validStarts(batch, length: 3), Set([0, 1, 7, 8, 9, 10, 11, 14] + Array(17...23) + [28, 29, 30, 33]))
    }

    func testSameSeedSameRunsAndReusedBatch() throws {
        let store = try makeStore(Self.transitions(Self.knownEpisodes))
        var first = SeededGenerator(seed: 42), second = SeededGenerator(seed: 42), other = SeededGenerator(seed: 43)
        let a = try store.sampleSequences(count: 64, length: 3, using: &first)
        var b = TransitionBatch(observationSize: 2, actionSize: 1, zeroedCount: 192)
        try store.sampleSequences(count: 64, length: 3, using: &second, into: &b)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, try store.sampleSequences(count: 64, length: 3, using: &other))
        // The generators advanced identically: the next draws agree too.
        XCTAssertEqual(try store.sampleSequences(count: 8, length: 2, using: &first),
                       try store.sampleSequences(count: 8, length: 2, using: &second))
    }

    func testNoValidRunIsAClearError() throws {
        let short = Self.transitions([Episode(id: 0, length: 2, ending: .terminated), Episode(id: 1, length: 1, ending: .truncated),
                                      Episode(id: 2, length: 2, ending: .open), Episode(id: 3, length: 2, ending: .terminated)])
        let store = try makeStore(short)
        var generator = SeededGenerator(seed: 1)
        XCTAssertEqual(try store.sampleSequences(count: 4, length: 2, using: &generator).count, 8)
        XCTAssertThrowsError(try store.sampleSequences(count: 4, length: 3, using: &generator)) { error in
            XCTAssertEqual(error as? ReplayStoreError, .noValidSequence(path: store.path, length: 3, liveTransitions: 7))
            XCTAssertTrue("\(error)".contains("no run of 3 consecutive transitions"), "\(error)")
        }
        XCTAssertThrowsError(try store.sampleSequences(count: 0, length: 3, using: &generator))
        XCTAssertThrowsError(try store.sampleSequences(count: 1, length: 0, using: &generator))

        let emptyPath = try temporaryDirectory(self) + "/empty"
        let empty = try ReplayStore.create(at: emptyPath, schema: StoreSchema(observationSize: 2, actionSize: 1, capacity: 10, chunkLength: 4))
        XCTAssertThrowsError(try empty.sampleSequences(count: 1, length: 1, using: &generator)) { error in
            XCTAssertEqual(error as? ReplayStoreError, .empty(path: emptyPath))
        }
    }

    /// One valid start among hundreds of live transitions: the rejection loop gives up and the listing
    /// finds it; every run drawn is still that one.
    func testRareValidStartsAreFoundByTheListing() throws {
        var episodes = (0..<300).map { Episode(id: UInt64($0), length: 1, ending: .terminated) }
        episodes.insert(Episode(id: 1000, length: 4, ending: .truncated), at: 150)
        let batch = Self.transitions(episodes)
        let store = try makeStore(batch, chunkLength: 16)
        var generator = SeededGenerator(seed: 5)
        let sampled = try store.sampleSequences(count: 20, length: 4, using: &generator)
        XCTAssertEqual(Set(checkRuns(sampled, count: 20, length: 4)), [150])
        let three = try store.sampleSequences(count: 400, length: 3, using: &generator)
        XCTAssertEqual(Set(checkRuns(three, count: 400, length: 3)), [150, 151])
    }

    /// Capacity 40 with chunks of 4: old chunks go, the three pinned demonstration chunks stay. Episode 500
    /// runs from the demonstrations (transitions 0…11) into online transitions 12…14, which are evicted:
    /// a run never uses an evicted transition, never jumps that gap, and every valid live start is drawn.
    func testEvictionAndPinnedChunks() throws {
        let demonstrations = Self.transitions([Episode(id: 500, length: 12, ending: .open, source: .demonstration)])
        let online = Self.transitions([Episode(id: 500, length: 3, ending: .terminated, firstStep: 12)]
                                      + (0..<20).map { Episode(id: UInt64($0), length: 5 + $0 % 4, ending: $0 % 3 == 0 ? .truncated : .terminated) },
                                      startingAt: 12)
        let path = try temporaryDirectory(self) + "/store"
        let store = try ReplayStore.create(at: path, schema: StoreSchema(observationSize: 2, actionSize: 1, capacity: 40, chunkLength: 4))
        try store.append(demonstrations)
        for start in stride(from: 0, to: online.count, by: 5) { try store.append(online.rows(start..<min(start + 5, online.count))) }
        var all = demonstrations
        all.appendRows(of: online, 0..<online.count)
        let live = store.transitionCount
        let firstOnlineLive = all.count - (live - 12)
        XCTAssertGreaterThan(firstOnlineLive, 15, "episode 500's online part is evicted")
        let isLive = { (g: Int) in g < 12 || g >= firstOnlineLive }
        for length in [2, 3, 4] {
            let expected = Self.validStarts(all, length: length, live: isLive)
            XCTAssertTrue(expected.contains(12 - length) && !expected.contains(13 - length),
                          "length \(length): the last demonstration run is valid, the one into the evicted chunk is not")
            var generator = SeededGenerator(seed: 11 + UInt64(length))
            let draws = 300 * expected.count
            let sampled = try store.sampleSequences(count: draws, length: length, using: &generator)
            let starts = checkRuns(sampled, count: draws, length: length)
            XCTAssertEqual(Set(starts), expected, "length \(length)")
            for row in 0..<sampled.count { XCTAssertTrue(isLive(Int(sampled.rewards[row])), "an evicted transition was returned") }
        }
    }

    /// Issue 15: `fromEveryTransition` windows (SB3's `NStepReplayBuffer`). Episodes: 0 (5 transitions,
    /// terminated), 1 (4, truncated), 2 (3, still open). With length 3 every transition of episodes 0 and 1
    /// starts a window, the last two of each included (globals 3, 4, 7, 8); a window that reaches its
    /// episode's end repeats that last transition in the rows after it (never the next episode); episode
    /// 2's last two transitions cannot start one (their run meets transitions not appended yet).
    /// `wholeRuns` (A2C's windows) never starts at 3, 4, 7 or 8.
    func testWindowsFromEveryTransitionStopAtTheEpisodeEnd() throws {
        let episodes = [Episode(id: 0, length: 5, ending: .terminated), Episode(id: 1, length: 4, ending: .truncated),
                        Episode(id: 2, length: 3, ending: .open)]
        let store = try makeStore(Self.transitions(episodes))
        var generator = SeededGenerator(seed: 31)
        let length = 3, count = 400
        let sampled = try store.sampleSequences(count: count, length: length, windows: .fromEveryTransition, using: &generator)
        var starts = Set<Int>()
        for s in 0..<count {
            let rows = (0..<length).map { Int(sampled.rewards[s * length + $0]) }
            starts.insert(rows[0])
            // By hand: the rows a window from each start holds.
            let expected: [Int: [Int]] = [0: [0, 1, 2], 1: [1, 2, 3], 2: [2, 3, 4], 3: [3, 4, 4], 4: [4, 4, 4],
                                          5: [5, 6, 7], 6: [6, 7, 8], 7: [7, 8, 8], 8: [8, 8, 8], 9: [9, 10, 11]]
            XCTAssertEqual(rows, expected[rows[0]], "window from \(rows[0])")
            XCTAssertEqual(Set((0..<length).map { sampled.episodeIDs[s * length + $0] }).count, 1, "one episode per window")
        }
        XCTAssertEqual(starts, Set(0...9), "every transition of an ended episode starts a window; 10 and 11 cannot yet")
        let whole = try store.sampleSequences(count: count, length: length, using: &generator)
        let wholeStarts = Set((0..<count).map { Int(whole.rewards[$0 * length]) })
        XCTAssertEqual(wholeStarts, [0, 1, 2, 5, 6, 9])
    }
}
