"""Input and output: reading survey files (behind the hostile-file checks), atomic
writing, and where the program's own files live."""
