//! Raw editor input into the strict model, collecting every problem.
