// Shared pieces of the Scheme implementations and the registry hooks. Not part of the module API.
#pragma once

#include <string_view>

#include "version/internal/util.h"
#include "version/scheme.h"

namespace hullscan::version {

namespace dpkg { const Scheme& GetScheme(); }
namespace rpm { const Scheme& GetScheme(); }
namespace apk { const Scheme& GetScheme(); }
namespace npm { const Scheme& GetScheme(); }
namespace pep440 { const Scheme& GetScheme(); }
namespace maven { const Scheme& GetScheme(); }
namespace gem { const Scheme& GetScheme(); }
namespace go { const Scheme& GetScheme(); }
namespace cargo { const Scheme& GetScheme(); }
namespace nuget { const Scheme& GetScheme(); }

namespace internal {

// A scheme whose constraints are generic comparator lists (see util.h ParseTerms) evaluated with Compare().
class TermScheme : public Scheme {
 public:
  Result<bool> Satisfies(std::string_view version, std::string_view constraint) const override {
    HS_TRY(Validate(version));
    HS_ASSIGN_OR_RETURN(TermGroups groups, ParseTerms(Name(), constraint, Syntax()));
    return EvalTerms(groups, [&](const Term& term) -> Result<bool> { return EvalTerm(version, term); });
  }
  Status ValidateConstraint(std::string_view constraint) const override {
    HS_ASSIGN_OR_RETURN(TermGroups groups, ParseTerms(Name(), constraint, Syntax()));
    for (const auto& group : groups) {
      for (const Term& term : group) HS_TRY(Validate(term.version));
    }
    return OkStatus();
  }

 protected:
  virtual ComparatorSyntax Syntax() const { return {}; }
  virtual Result<bool> EvalTerm(std::string_view version, const Term& term) const {
    HS_ASSIGN_OR_RETURN(int cmp, Compare(version, term.version));
    bool known = false;
    bool r = ApplyStandardOp(term.op, cmp, &known);
    if (!known) return InvalidConstraint(Name(), term.op, "unknown operator");
    return r;
  }
};

}  // namespace internal
}  // namespace hullscan::version
