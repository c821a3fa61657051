"""The benchmark (`make bench`): a script that prints figures, never part of the test suite."""
