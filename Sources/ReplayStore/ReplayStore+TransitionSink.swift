import Transitions

extension ReplayStore: TransitionSink {}
