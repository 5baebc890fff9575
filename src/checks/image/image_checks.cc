#include "checks/image/image_checks.h"
