/* ftpc: the FTPS client. */
#include "ftpc/front/cli.h"

int main(int argc, char **argv)
{
    return ftpc_main(argc, argv);
}
