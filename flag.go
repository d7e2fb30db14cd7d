package sotepe

// ParseFlag reads a yes-or-no query parameter named name: "true" is true,
// "false" and an absent value ("") are false. Anything else is an EInvalid
// error ("error.flag") naming the parameter, so that a misspelt flag is
// refused instead of silently read as false.
func ParseFlag(name, value string) (bool, error) {
	switch value {
	case "true":
		return true, nil
	case "", "false":
		return false, nil
	}
	return false, Invalid("error.flag", name+" must be true or false").With(map[string]any{"Field": name})
}
