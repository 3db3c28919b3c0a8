#include <sqlite3.h>
#include "CSQLiteTuning.h"

// sqlite3_config is variadic, which Swift cannot call: this is its one call.
int planwatch_sqlite_without_memory_count(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
