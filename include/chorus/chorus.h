/* chorus: weak-supervision label models. Include this one header for the whole API. */
#ifndef CHORUS_H
#define CHORUS_H

#include "common.h"
#include "comm.h"
#include "error.h"
#include "log.h"
#include "votes.h"
#include "io.h"
#include "probs.h"
#include "model.h"
#include "predict.h"
#include "eval.h"
#include "select.h"
#include "synth.h"
#include "data.h"
#include "data_range.h"
#include "platform.h"
#include "lf.h"
#include "analyze.h"
#include "report.h"
#include "inspect.h"
#include "qa.h"
#include "llm_cache.h"
#include "review.h"
#include "parse.h"

#endif
