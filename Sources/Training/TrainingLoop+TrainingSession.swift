extension TrainingLoop: TrainingSession {}
