// PLACEHOLDER: the version-schemes module (issue 3) replaces this.
#pragma once
