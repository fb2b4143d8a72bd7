/*
 * values.c: the named values lab 5's tests.spec may use as ${NAME},
 * computed from the run's seed with the same generator the test programs
 * use (progs/seedgen.h). The grader builds it (the spec's `values`
 * directive) and runs it with the seed as its argument; it prints one
 * "NAME VALUE" line per value. (TOKEN the grader sets itself.)
 */
#include "progs/seedgen.h"
#include "values.h"              /* defval, the token's values, main */

static void
lab_values(sg_u64 s)
{
    defval("COW_PAGES", "%d", SG_COW_PAGES);
    defval("COW_COPIED", "%llu", sg_cow_copied(s));
    defval("COW_SUM", "%016llx", sg_cow_sum(s));
    defval("FORK_CHILD_SUM", "%016llx", sg_fork_sum(s, 1));
    defval("FORK_PARENT_SUM", "%016llx", sg_fork_sum(s, 2));
    defval("OOM_PAGES", "%llu", sg_oom_pages(s));
    defval("EXEC_HEAP", "%016llx", sg_exec_sum(s));
    defval("WAIT_FIRST", "%llu", sg_wait_code(s, sg_wait_first(s)));
    defval("WAIT_REAPED", "%llu", sg_wait_children(s) + 1);
    defval("WAIT_CODES", "%llu", sg_wait_codes(s));
    defval("SPAWN_CHILDREN", "%llu", sg_spawn_children(s));
    defval("SPAWN_CODES", "%llu", sg_spawn_children(s) * sg_spawn_code(s));
    defval("STRIDE_LO", "%llu", sg_stride_lo(s));
    defval("STRIDE_HI", "%llu", sg_stride_hi(s));
}
