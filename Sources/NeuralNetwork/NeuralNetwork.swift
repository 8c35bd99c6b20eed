// The NeuralNetwork module. See ../../README.md.
