/* cli: trustd's command line, kept apart from main() so tests can call it. */
#ifndef TRUSTD_CLI_CLI_H
#define TRUSTD_CLI_CLI_H

int trustd_main(int argc, char **argv);

#endif
