import Foundation

/// The environment the store's transitions came from: an optional record `environment` in the `meta`
/// database, beside the schema. Like the schema it is written once; stores made before it existed have none.
extension ReplayStore {
    static let sourceEnvironmentKey: StaticString = "environment"

    /// The recorded environment, or nil when the store has no record (a store made before the record
    /// existed, or from data that named no environment). A record that does not decode, or does not fit
    /// the schema's sizes, is `corruptStore` naming it.
    public func sourceEnvironment() throws -> SourceEnvironment? {
        try environment.read { transaction in
            guard let bytes = try transaction.get(meta, key: Self.sourceEnvironmentKey) else { return nil }
            let limit = sourceEnvironmentRecordLimit
            guard bytes.count <= limit else {
                throw ReplayStoreError.corruptStore(reason: "the environment record of \(path) has \(bytes.count) bytes, more than the \(limit) any record of this schema needs")
            }
            let record: SourceEnvironment
            do {
                record = try Self.sourceEnvironmentDecoder.decode(SourceEnvironment.self, from: Data(bytes))
            } catch {
                throw ReplayStoreError.corruptStore(reason: "the environment record of \(path) does not decode: \(error)")
            }
            if let problem = record.problem(observationSize: schema.observationSize, actionSize: schema.actionSize) {
                throw ReplayStoreError.corruptStore(reason: "the environment record of \(path) does not fit the store: \(problem)")
            }
            return record
        }
    }

    /// Records `source` as the environment of the store's transitions. Recording the record the store has is
    /// nothing; a different one, or one that does not fit the schema's sizes, is `sourceEnvironmentMismatch`.
    public func recordSourceEnvironment(_ source: SourceEnvironment) throws {
        try checkFits(source)
        try environment.write { transaction in try putSourceEnvironment(source, transaction) }
    }

    /// Throws `sourceEnvironmentMismatch` when `source` does not describe data of the schema's sizes.
    func checkFits(_ source: SourceEnvironment) throws {
        if let problem = source.problem(observationSize: schema.observationSize, actionSize: schema.actionSize) {
            throw ReplayStoreError.sourceEnvironmentMismatch(path: path, reason: problem)
        }
    }

    /// Writes the record in `transaction` unless the store has it already; one that differs is `sourceEnvironmentMismatch`.
    func putSourceEnvironment(_ source: SourceEnvironment, _ transaction: LMDBTransaction) throws {
        if let bytes = try transaction.get(meta, key: Self.sourceEnvironmentKey) {
            let recorded = try? Self.sourceEnvironmentDecoder.decode(SourceEnvironment.self, from: Data(bytes))
            if recorded == source { return }
            throw ReplayStoreError.sourceEnvironmentMismatch(
                path: path, reason: "it records " + (recorded.map { $0.id ?? "an unnamed environment" } ?? "an environment that does not decode")
                    + ", not \(source.id ?? "an unnamed environment") with these spaces")
        }
        let json = try Self.sourceEnvironmentEncoder.encode(source)
        try json.withUnsafeBytes { try transaction.put(meta, key: Self.sourceEnvironmentKey, value: $0) }
    }

    /// The most bytes a record of this schema's sizes takes: 64 per bound, plus 64 KiB for the rest.
    private var sourceEnvironmentRecordLimit: Int {
        2 * 64 * (schema.observationSize + schema.actionSize) + (1 << 16)
    }

    /// Infinite bounds are the JSON strings "Infinity" and "-Infinity" (JSON has no number for them).
    private static var sourceEnvironmentEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    private static var sourceEnvironmentDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }
}
