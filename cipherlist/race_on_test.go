//go:build race

package cipherlist

const raceEnabled = true
