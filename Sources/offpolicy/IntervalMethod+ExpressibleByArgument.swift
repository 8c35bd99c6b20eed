import ArgumentParser
import Comparison

extension IntervalMethod: ExpressibleByArgument {}
