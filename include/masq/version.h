// SPDX-License-Identifier: MIT
#pragma once

#define MASQ_VERSION_MAJOR 0
#define MASQ_VERSION_MINOR 1
#define MASQ_VERSION_PATCH 0
#define MASQ_VERSION_STRING "0.1.0"
