/* cli_sweep.c — checkpoint and resume options of the sweep commands, the job line that identifies a checkpoint, and the MPI rank that writes outputs. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_sweep.h"

void cli_sweep_help(FILE *f, const char *unit)
{
    fprintf(f,
            "checkpoints and clusters (docs/cluster.md):\n"
            "  --checkpoint-every N\n"
            "                      save the finished %s to DIR/checkpoint/ (DIR: --out)\n"
            "                      every N %s, and when the sweep ends\n"
            "  --checkpoint-s S    ... and/or every S seconds (default 60 with --resume)\n"
            "  --resume DIR        continue a killed run from DIR/checkpoint/: only the\n"
            "                      missing %s run; the other options must be the same.\n"
            "                      Outputs go to DIR. Nothing saved yet: runs them all\n"
            "  under mpirun -n P (built with MPI) rank 0 hands %s to every rank, each\n"
            "  runs them on --threads T threads (default: cores / ranks on the node), and\n"
            "  rank 0 writes the outputs, byte-identical to a run without MPI\n",
            unit, unit, unit, unit);
}

int cli_sweep_root(const cli_sweep *cs)
{
    return gr_mpi_rank(cs->mpi) == 0;
}

/* Options that do not change the results: left out of the job line. */
static int skipped(const char *name, int *takes_value)
{
    static const char *const with_value[] = {"threads", "out", "top", "resume", "checkpoint-every",
                                             "checkpoint-s"};
    static const char *const flags[] = {"force", "json", "quiet"};
    for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++)
        if (strcmp(name, with_value[k]) == 0) {
            *takes_value = 1;
            return 1;
        }
    for (size_t k = 0; k < sizeof flags / sizeof *flags; k++)
        if (strcmp(name, flags[k]) == 0) {
            *takes_value = 0;
            return 1;
        }
    return 0;
}

/* FNV-1a 64 of a regular file; 0 when it is not one. */
static int file_hash(const char *path, uint64_t *h)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char buf[65536];
    uint64_t x = 0xcbf29ce484222325ULL;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < n; i++) {
            x ^= buf[i];
            x *= 0x100000001b3ULL;
        }
    int ok = !ferror(f);
    fclose(f);
    *h = x;
    return ok;
}

static void append(char *job, size_t len, const char *s)
{
    size_t n = strlen(job);
    if (n + 1 < len)
        snprintf(job + n, len - n, "%s%s", n ? " " : "", s);
}

/* Append an argument: a file as "name#checksum", anything else as is. */
static void append_arg(char *job, size_t len, const char *arg)
{
    uint64_t h;
    if (file_hash(arg, &h)) {
        const char *base = strrchr(arg, '/');
        char tok[512];
        snprintf(tok, sizeof tok, "%.400s#%016llx", base ? base + 1 : arg, (unsigned long long)h);
        append(job, len, tok);
    } else {
        append(job, len, arg);
    }
}

int cli_sweep_setup(const char *cmd, cli_sweep *cs, gr_mpi *mpi, int argc, char **argv,
                    const char **out_dir, const gr_sweep_options **opt_out)
{
    *opt_out = NULL;
    gr_sweep_options_default(&cs->opt);
    cs->mpi = mpi;
    cs->opt.mpi = mpi;
    if (cs->resume) {
        if (!*cs->resume) {
            cli_errorf(cmd, "--resume needs a directory");
            return CLI_EXIT_USAGE;
        }
        if (*out_dir && strcmp(*out_dir, cs->resume) != 0) {
            cli_errorf(cmd, "--resume DIR writes its outputs to DIR: leave out --out or give the "
                            "same directory");
            return CLI_EXIT_USAGE;
        }
        *out_dir = cs->resume;
    }
    if ((cs->every_seen || cs->every_s_seen) && !*out_dir) {
        cli_errorf(cmd, "--checkpoint-every/--checkpoint-s save to DIR/checkpoint/: give --out DIR");
        return CLI_EXIT_USAGE;
    }
    if (!cs->resume && !cs->every_seen && !cs->every_s_seen) {
        if (gr_mpi_size(mpi) > 1) /* no checkpoint, but the ranks share the sweep */
            *opt_out = &cs->opt;
        return CLI_EXIT_OK;
    }
    /* the job line: the command and the arguments that change the results */
    cs->job[0] = '\0';
    append(cs->job, sizeof cs->job, "gridres-" GRIDRES_VERSION); /* built-in defaults */
    append(cs->job, sizeof cs->job, cmd);
    int opts_done = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && strcmp(a, "--") == 0) {
            opts_done = 1;
            continue;
        }
        if (!opts_done && a[0] == '-' && a[1] == '-') {
            char name[64];
            const char *eq = strchr(a + 2, '=');
            size_t nl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            snprintf(name, sizeof name, "%.*s", (int)(nl < 63 ? nl : 63), a + 2);
            int takes_value = 0;
            if (skipped(name, &takes_value)) {
                if (takes_value && !eq)
                    i++;
                continue;
            }
            char tok[80];
            snprintf(tok, sizeof tok, "--%s", name);
            append(cs->job, sizeof cs->job, tok);
            if (eq)
                append_arg(cs->job, sizeof cs->job, eq + 1);
            continue;
        }
        append_arg(cs->job, sizeof cs->job, a);
    }
    cs->opt.dir = *out_dir;
    cs->opt.every = cs->every_seen ? cs->every : 0;
    cs->opt.every_s = cs->every_s_seen ? cs->every_s : 0;
    cs->opt.resume = cs->resume != NULL;
    cs->opt.job = cs->job;
    cs->opt.stats = &cs->stats;
    *opt_out = &cs->opt;
    return CLI_EXIT_OK;
}

void cli_sweep_report(const char *cmd, const cli_sweep *cs, const char *unit)
{
    if (cs->resume && cli_sweep_root(cs))
        cli_errorf(cmd, "resumed %ld of %ld %s from %s/checkpoint/, ran %ld", cs->stats.resumed,
                   cs->stats.n, unit, cs->resume, cs->stats.run_total);
}
