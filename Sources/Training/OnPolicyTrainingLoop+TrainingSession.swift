extension OnPolicyTrainingLoop: TrainingSession {}
