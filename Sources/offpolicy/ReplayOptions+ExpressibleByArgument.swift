import ArgumentParser
import ReplayStore

extension Durability: ExpressibleByArgument {}
extension ColumnFilter: ExpressibleByArgument {}
