/* ftpc: the FTPS client. */
#include "cli.h"

int main(int argc, char **argv)
{
    return ftpc_main(argc, argv);
}
