/// The prioritized update is `CriticWeightedLearner`'s: critic losses weighted by the importance weights,
/// new priorities the mean of the critics' |δ|.
extension TD3: CriticWeightedLearner {}
