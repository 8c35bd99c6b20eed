// The Training module. See ../../README.md.
