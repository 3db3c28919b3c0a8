import PlanWatchCLI

PlanWatch.runMain()
