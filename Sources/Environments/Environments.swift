// The Environments module. See ../../README.md.
