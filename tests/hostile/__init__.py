"""Hostile and broken input (issue 7): the corpus of cases and the fuzzer's mutations."""
