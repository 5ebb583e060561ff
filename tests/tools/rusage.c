/* rusage: run a command and report its wall time, CPU time and peak memory.
 *
 * usage: rusage -o FILE COMMAND [ARG...]
 *
 * Runs COMMAND (searched in PATH), waits for it and writes one line to FILE:
 *   wall=SECONDS user=SECONDS sys=SECONDS maxrss_kb=KB status=N
 * (status: the exit status, or 128+signal). Exits with the command's status, so that callers
 * can tell a failed run. A stand-in for `/usr/bin/time -v`, which Debian does not install by
 * default; used by tests/bench/bench.sh. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *out = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "+o:")) != -1) {
        if (opt == 'o')
            out = optarg;
        else
            return 125;
    }
    if (!out || optind >= argc) {
        fprintf(stderr, "usage: rusage -o FILE COMMAND [ARG...]\n");
        return 125;
    }
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "rusage: can't fork: %s\n", strerror(errno));
        return 125;
    }
    if (pid == 0) {
        execvp(argv[optind], argv + optind);
        fprintf(stderr, "rusage: can't run %s: %s\n", argv[optind], strerror(errno));
        _exit(127);
    }
    int wstatus = 0;
    struct rusage ru;
    pid_t r;
    while ((r = wait4(pid, &wstatus, 0, &ru)) < 0 && errno == EINTR)
        ;
    double wall = now() - t0;
    if (r < 0) {
        fprintf(stderr, "rusage: can't wait for %s: %s\n", argv[optind], strerror(errno));
        return 125;
    }
    int status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    FILE *f = fopen(out, "w");
    if (!f) {
        fprintf(stderr, "rusage: can't write %s: %s\n", out, strerror(errno));
        return 125;
    }
    fprintf(f, "wall=%.3f user=%.3f sys=%.3f maxrss_kb=%ld status=%d\n", wall,
            seconds(ru.ru_utime), seconds(ru.ru_stime), ru.ru_maxrss, status);
    if (fclose(f) != 0) {
        fprintf(stderr, "rusage: can't write %s: %s\n", out, strerror(errno));
        return 125;
    }
    return status;
}
