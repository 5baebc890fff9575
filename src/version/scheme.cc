#include "version/scheme.h"
