import Transitions

extension ReplayStore: TransitionSampler {}
