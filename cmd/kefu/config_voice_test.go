package main

import (
	"strings"
	"testing"
)

// The voice settings are checked at start, each problem under its
// setting's name, and a good set reaches the configuration cleaned.
func TestConfigVoice(t *testing.T) {
	cfg, err := loadConfig([]string{"KEFU_SHOP_NAME= Tea  House ", "KEFU_ACCENT_COLOR=#0A7D5A",
		"KEFU_HOURS=Mon-Fri 09:00-18:00, Sat 10:00-14:00", "KEFU_TIMEZONE=Asia/Shanghai"})
	if err != nil {
		t.Fatal(err)
	}
	if v := cfg.Voice; v.ShopName != "Tea House" || v.Accent != "#0a7d5a" || !v.Schedule().Set() {
		t.Errorf("voice %+v", v)
	}
	_, err = loadConfig([]string{"KEFU_ACCENT_COLOR=green", "KEFU_HOURS=Mon-Fri 9-6", "KEFU_TIMEZONE=Moon/Base",
		"KEFU_TONE=" + strings.Repeat("x", 201)})
	for _, want := range []string{"KEFU_ACCENT_COLOR: want a colour #rrggbb", "KEFU_TIMEZONE: time zone \"Moon/Base\"", "KEFU_TONE: at most 200 characters"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
	_, err = loadConfig([]string{"KEFU_HOURS=Mon-Fri 9-6"})
	if err == nil || !strings.Contains(err.Error(), `KEFU_HOURS: hours "Mon-Fri 9-6": times are HH:MM-HH:MM`) {
		t.Errorf("bad hours: %v", err)
	}
}
