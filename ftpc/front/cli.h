/* cli: ftpc's command line, apart from main() so tests can call it. */
#ifndef FTPC_FRONT_CLI_H
#define FTPC_FRONT_CLI_H

int ftpc_main(int argc, char **argv);

#endif
