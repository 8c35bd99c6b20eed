import ReplayStore

extension ReplayStore: TransitionStore {}
