package conformance

// helperMain runs the child-process roles of the scale test; it reports
// whether this process was one (then TestMain returns at once).
func helperMain() bool { return false }
