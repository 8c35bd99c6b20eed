/// One evaluation of a run: the environment steps taken so far and the mean evaluation return.
public struct CurvePoint: Equatable, Sendable {
    public var steps: Int
    public var value: Double

    public init(steps: Int, value: Double) {
        self.steps = steps
        self.value = value
    }
}
