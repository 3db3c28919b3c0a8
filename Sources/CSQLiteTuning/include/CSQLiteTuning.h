#ifndef CSQLITETUNING_H
#define CSQLITETUNING_H

/// Turns off SQLite's count of the memory it holds (SQLITE_CONFIG_MEMSTATUS):
/// with it on, every allocation and free inside SQLite takes a process-wide
/// mutex, which at a million rows costs more than some queries. planwatch
/// never asks how much memory SQLite holds and sets no soft heap limit, the
/// only things the count serves. SQLite takes configuration only before it
/// is first initialised; returns SQLite's result code (SQLITE_MISUSE after).
int planwatch_sqlite_without_memory_count(void);

#endif
