"""`shapelint confirm`: the real model built in a child process, compared figure by figure
with the static one."""
