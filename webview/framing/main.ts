// The framing panel's script; see src/contract/ for the messages it exchanges.
