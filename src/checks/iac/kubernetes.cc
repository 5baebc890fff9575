#include "checks/iac/kubernetes.h"
