/* SPDX-License-Identifier: Apache-2.0
 * k8ts pause: the process that holds a pod sandbox's namespaces open.
 * It sleeps in pause(); SIGTERM or SIGINT end it with status 0; as PID 1 of the pod's PID
 * namespace (when the namespace is shared) it reaps orphans on SIGCHLD so they do not stay zombies.
 * Built with `cc -static -Os` by pause.ts; the image runs it as user 65535.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

static int handle(int sig, void (*fn)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = SA_RESTART | (sig == SIGCHLD ? SA_NOCLDSTOP : 0);
  sigemptyset(&sa.sa_mask);
  return sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    puts("k8ts-pause 3.10");
    return 0;
  }
  if (handle(SIGTERM, on_stop) < 0 || handle(SIGINT, on_stop) < 0 || handle(SIGCHLD, on_child) < 0) {
    perror("pause: sigaction");
    return 1;
  }
  if (getpid() != 1) fputs("pause: warning: not running as PID 1\n", stderr);
  for (;;) pause();
  return 42; /* not reached */
}
