"""APScheduler set-up and the registry of jobs shared by the scheduler and `aplauso jobs run`."""
