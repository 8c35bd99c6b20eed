// snappy's C interface (snappy-c.h ships with libsnappy-dev).
#include <snappy-c.h>
