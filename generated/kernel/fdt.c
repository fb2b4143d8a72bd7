/* fdt.c: a small, defensive reader for flattened device tree blobs. */
#include "types.h"
#include "fdt.h"

#define FDT_MAGIC       0xd00dfeedU
#define FDT_BEGIN_NODE  1
#define FDT_END_NODE    2
#define FDT_PROP        3
#define FDT_NOP         4
#define FDT_END         9
#define FDT_MAX_DEPTH   16      /* deeper nesting is refused */
#define FDT_MAX_CELLS   4       /* larger #address-cells/#size-cells refused */
#define FDT_HEADER_SIZE 40      /* ten 32-bit fields */
static uint32
be32(const uint8 *p)
{
    return (uint32)p[0] << 24 | (uint32)p[1] << 16 | (uint32)p[2] << 8 | p[3];
}

struct cursor {
    const uint8 *base;  /* start of the structure block */
    uint32 size;        /* its size in bytes */
    uint32 pos;         /* offset of the next token, a multiple of 4 */
};

/* Read the next 32-bit word; -1 if the block ends first. */
static int
next_word(struct cursor *c, uint32 *word)
{
    if (c->size - c->pos < 4)
        return -1;
    *word = be32(c->base + c->pos);
    c->pos += 4;
    return 0;
}

/* Skip n bytes and the padding to the next 4-byte boundary. */
static int
skip_bytes(struct cursor *c, uint32 n)
{
    uint32 padded = (n + 3) & ~3U;
    if (padded < n || c->size - c->pos < padded)
        return -1;
    c->pos += padded;
    return 0;
}
struct blob {
    const uint8 *base;
    uint32 total;
    struct cursor st;       /* the structure block */
    const uint8 *strings;   /* the strings block */
    uint32 strings_size;
};

static const char *
check_header(const uint8 *b, uint64 limit, struct blob *bl)
{
    if (limit < FDT_HEADER_SIZE)
        return "blob smaller than its header";
    if (be32(b) != FDT_MAGIC)
        return "bad magic number (not a device tree)";
    uint32 total = be32(b + 4), off_st = be32(b + 8), off_str = be32(b + 12);
    uint32 version = be32(b + 20), last_comp = be32(b + 24);
    uint32 str_size = be32(b + 32), st_size = be32(b + 36);
    if (total < FDT_HEADER_SIZE || total > limit)
        return "totalsize is out of range";
    if (version < 17 || last_comp > 17)
        return "unsupported version (need a version 17 blob)";
    if (off_st > total || st_size > total - off_st || st_size % 4 != 0 ||
        off_st % 4 != 0)
        return "structure block lies outside the blob or is misaligned";
    if (off_str > total || str_size > total - off_str)
        return "strings block lies outside the blob";
    *bl = (struct blob){ b, total, { b + off_st, st_size, 0 },
                         b + off_str, str_size };
    return NULL;
}
/* Is the string at offset off in the strings block equal to want? */
static int
name_is(const struct blob *bl, uint32 off, const char *want, int *bad)
{
    const uint8 *s = bl->strings;
    uint32 i = off;
    for (; i < bl->strings_size && s[i] != '\0'; i++)
        ;
    if (off >= bl->strings_size || i == bl->strings_size) {
        *bad = 1;
        return 0;
    }
    for (i = 0; want[i] != '\0'; i++)
        if (s[off + i] != (uint8)want[i])
            return 0;
    return s[off + i] == '\0';
}

/* Read a number of `cells` big-endian 32-bit cells (1 or 2) at p. */
static uint64
read_cells(const uint8 *p, uint32 cells)
{
    uint64 v = 0;
    for (uint32 i = 0; i < cells; i++)
        v = v << 32 | be32(p + 4 * i);
    return v;
}
enum node_kind { NODE_OTHER, NODE_ROOT, NODE_CPUS, NODE_CPU, NODE_MEMORY };

struct node {
    enum node_kind kind;
    uint32 addr_cells, size_cells;  /* for this node's children */
    const uint8 *reg;               /* this node's reg value, if seen */
    uint32 reg_len;
    int is_memory;                  /* device_type = "memory" */
    int is_finisher;                /* compatible with sifive,test0 */
};

struct walk {
    struct blob bl;
    struct node node[FDT_MAX_DEPTH];
    int depth;                      /* number of open nodes */
    struct fdt_info *info;
    int have_mem, have_timebase;
};

/* Does node name `name` (of length n) equal base, or base@unit-address? */
static int
node_name_is(const char *name, uint32 n, const char *base)
{
    uint32 i = 0;
    for (; base[i] != '\0'; i++)
        if (i >= n || name[i] != base[i])
            return 0;
    return i == n || name[i] == '@';
}
static const char *
begin_node(struct walk *w)
{
    struct cursor *c = &w->bl.st;
    const char *name = (const char *)c->base + c->pos;
    uint32 n = 0;
    while (c->pos + n < c->size && name[n] != '\0')
        n++;
    if (c->pos + n == c->size)
        return "node name is not terminated";
    if (skip_bytes(c, n + 1) < 0)
        return "node name runs past the structure block";
    if (w->depth == FDT_MAX_DEPTH)
        return "nodes are nested too deeply";
    enum node_kind parent = w->depth ? w->node[w->depth - 1].kind : NODE_OTHER;
    enum node_kind k = NODE_OTHER;
    if (w->depth == 0)
        k = NODE_ROOT;
    else if (parent == NODE_ROOT && node_name_is(name, n, "cpus"))
        k = NODE_CPUS;
    else if (parent == NODE_CPUS && node_name_is(name, n, "cpu"))
        k = NODE_CPU;
    else if (parent == NODE_ROOT && node_name_is(name, n, "memory"))
        k = NODE_MEMORY;
    w->node[w->depth++] = (struct node){ .kind = k, .addr_cells = 2,
                                         .size_cells = 1 };
    return NULL;
}
static const char *
end_node(struct walk *w)
{
    if (w->depth == 0)
        return "END_NODE without a matching BEGIN_NODE";
    struct node *nd = &w->node[--w->depth];
    int is_ram = nd->kind == NODE_MEMORY && nd->is_memory && !w->have_mem;
    if (w->depth == 0 || nd->reg == NULL || !(is_ram || nd->is_finisher))
        return NULL;
    struct node *parent = &w->node[w->depth - 1];
    uint32 ac = parent->addr_cells, sc = parent->size_cells;
    if (nd->reg_len < 4 * (ac + sc))
        return "a reg property is shorter than its parent's cell sizes";
    if (is_ram) {
        if (ac == 0 || ac > 2 || sc == 0 || sc > 2)
            return "memory node's address or size is not 1 or 2 cells";
        w->info->mem_base = read_cells(nd->reg, ac);
        w->info->mem_size = read_cells(nd->reg + 4 * ac, sc);
        w->have_mem = 1;
    }
    if (nd->is_finisher && ac >= 1 && ac <= 2)
        w->info->finisher = read_cells(nd->reg, ac);
    return NULL;
}
/* Is want one of the zero-terminated strings in val[0..len)? */
static int
has_string(const uint8 *val, uint32 len, const char *want)
{
    uint32 i = 0;
    while (i < len) {
        uint32 j = 0;
        while (i + j < len && want[j] != '\0' && val[i + j] == (uint8)want[j])
            j++;
        if (want[j] == '\0' && i + j < len && val[i + j] == '\0')
            return 1;
        while (i < len && val[i] != '\0')      /* skip to the next string */
            i++;
        i++;
    }
    return 0;
}
static const char *
property(struct walk *w)
{
    struct cursor *c = &w->bl.st;
    uint32 len, nameoff;
    int bad = 0;
    if (next_word(c, &len) < 0 || next_word(c, &nameoff) < 0)
        return "property header runs past the structure block";
    const uint8 *val = c->base + c->pos;
    if (skip_bytes(c, len) < 0)
        return "property value runs past the structure block";
    if (w->depth == 0)
        return "property outside any node";
    struct node *nd = &w->node[w->depth - 1];
    if (name_is(&w->bl, nameoff, "#address-cells", &bad)) {
        if (len != 4 || (nd->addr_cells = be32(val)) > FDT_MAX_CELLS)
            return "#address-cells is not a small number";
    } else if (name_is(&w->bl, nameoff, "#size-cells", &bad)) {
        if (len != 4 || (nd->size_cells = be32(val)) > FDT_MAX_CELLS)
            return "#size-cells is not a small number";
    } else if (name_is(&w->bl, nameoff, "reg", &bad)) {
        nd->reg = val;
        nd->reg_len = len;
    } else if (name_is(&w->bl, nameoff, "device_type", &bad)) {
        nd->is_memory = has_string(val, len, "memory");
    } else if (name_is(&w->bl, nameoff, "compatible", &bad)) {
        nd->is_finisher = has_string(val, len, "sifive,test0");
    } else if ((nd->kind == NODE_CPUS || nd->kind == NODE_CPU) &&
               !w->have_timebase &&
               name_is(&w->bl, nameoff, "timebase-frequency", &bad)) {
        if (len != 4 && len != 8)
            return "timebase-frequency has a bad length";
        w->info->timebase = read_cells(val, len / 4);
        w->have_timebase = 1;
    }
    if (bad)
        return "property name offset lies outside the strings block";
    return NULL;
}
int
fdt_parse(const void *blob, uint64 limit, struct fdt_info *info,
          const char **err)
{
    struct walk w = { .info = info };
    *info = (struct fdt_info){ 0 };
    const char *e = check_header(blob, limit, &w.bl);
    uint32 token;
    while (e == NULL) {
        if (next_word(&w.bl.st, &token) < 0) {
            e = "structure block ends without an END token";
            break;
        }
        if (token == FDT_END)
            break;
        switch (token) {
        case FDT_BEGIN_NODE:
            e = begin_node(&w);
            break;
        case FDT_END_NODE:
            e = end_node(&w);
            break;
        case FDT_PROP:
            e = property(&w);
            break;
        case FDT_NOP:
            break;
        default:
            e = "unknown token in the structure block";
        }
    }
    if (e == NULL && w.depth != 0)
        e = "END token inside an open node";
    else if (e == NULL && !w.have_mem)
        e = "no /memory node with a reg property";
    else if (e == NULL && !w.have_timebase)
        e = "no timebase-frequency in /cpus";
    else if (e == NULL && info->mem_size == 0)
        e = "memory size is zero";
    if (e == NULL)
        info->blob_size = w.bl.total;
    *err = e;
    return e == NULL ? 0 : -1;
}
