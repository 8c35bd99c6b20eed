import Transitions

extension ReplayStore: PrioritizedTransitionSampler {}
