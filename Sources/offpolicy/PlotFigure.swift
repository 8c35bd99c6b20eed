import ArgumentParser
import Comparison

/// `plot --figure`: which chart to draw.
enum PlotFigure: String, CaseIterable, ExpressibleByArgument {
    /// The learning curves (mean over seeds with a bootstrap band), of any runs.
    case curves
    /// rliable's figures, from a compare directory's curves.csv and references.json.
    case aggregates
    case iqm
    case profiles
    case improvement

    /// The file `compare` writes this figure to.
    var compareFile: String {
        switch self {
        case .curves: return ComparisonFiles.chart
        case .aggregates: return ComparisonFiles.aggregateChart
        case .iqm: return ComparisonFiles.iqmChart
        case .profiles: return ComparisonFiles.profileChart
        case .improvement: return ComparisonFiles.improvementChart
        }
    }
}
