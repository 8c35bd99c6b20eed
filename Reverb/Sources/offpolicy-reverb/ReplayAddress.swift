import Foundation
import ReverbClient
import ReverbTraining

/// The checks both sides make before anything is sent: the address parses and names a table, the server has the
/// replay table with this run's widths and the weights table.
enum ReplayAddress {
    static func connect(_ text: String, weightsTable: String, widths: () throws -> (Int, Int)) throws -> (ReverbClient, ReverbTransitionTable) {
        let address = try ReverbAddress(parsing: text)
        guard let tableName = address.table else {
            throw ReverbError.invalidAddress(text, reason: "it names no table; write reverb://HOST:PORT/TABLE")
        }
        let (observationSize, actionSize) = try widths()
        let client = try ReverbClient(address: address, callTimeout: .seconds(30))
        let table = try blocking { try await client.transitionTable(tableName, observationSize: observationSize, actionSize: actionSize) }
        _ = try blocking { try await client.tableInfo(weightsTable) }
        return (client, table)
    }
}
