#include "checks/iac/dockerfile.h"
