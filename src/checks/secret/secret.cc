#include "checks/secret/secret.h"
