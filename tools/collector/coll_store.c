/* What both coll_store backends share: choosing one for --db, and reading numbers. */
#include "coll_store.h"

#include <stdlib.h>
#include <string.h>

bool coll_store_is_pg(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

const coll_store_ops *coll_store_for(const char *target)
{
#ifdef WIJKPEIL_NO_POSTGRES
    return coll_store_is_pg(target) ? NULL : &coll_store_sqlite;
#else
    return coll_store_is_pg(target) ? &coll_store_pg : &coll_store_sqlite;
#endif
}

int64_t coll_store_num(const char *v)
{
    return v ? strtoll(v, NULL, 10) : 0;
}

int coll_store_int_row(void *ctx, int ncol, const char *const *vals)
{
    *(int64_t *)ctx = ncol > 0 ? coll_store_num(vals[0]) : 0;
    return 0;
}
