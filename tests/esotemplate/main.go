// Renders ExternalSecret template data the way External Secrets Operator's template
// engine v2 does: Go's text/template, missing keys are errors, and Sprig's functions.
// Only Sprig's `replace` is defined here, exactly as Sprig defines it; a template that
// uses any other Sprig function fails to parse, so a test cannot pass by accident.
//
// stdin:  {"templates": {"key": "template", ...}, "data": {"password": "...", ...}}
// stdout: {"key": "rendered", ...}
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"
)

func main() {
	var input struct {
		Templates map[string]string `json:"templates"`
		Data      map[string]string `json:"data"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&input); err != nil {
		fail(err)
	}
	funcs := template.FuncMap{
		"replace": func(old, new, src string) string { return strings.Replace(src, old, new, -1) },
	}
	rendered := map[string]string{}
	for key, text := range input.Templates {
		tpl, err := template.New(key).Option("missingkey=error").Funcs(funcs).Parse(text)
		if err != nil {
			fail(err)
		}
		var out strings.Builder
		if err := tpl.Execute(&out, input.Data); err != nil {
			fail(err)
		}
		rendered[key] = out.String()
	}
	if err := json.NewEncoder(os.Stdout).Encode(rendered); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
