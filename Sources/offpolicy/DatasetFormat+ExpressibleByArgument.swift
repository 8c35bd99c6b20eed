import ArgumentParser
import Datasets

extension DatasetFormat: ExpressibleByArgument {}
