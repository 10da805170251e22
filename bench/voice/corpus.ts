// Sentences a developer might dictate, spoken by espeak-ng: English (en-us), Mandarin (cmn) and
// Mandarin with English words in it (cmn reads the English words with its own letter sounds).
// espeak's voice is robotic; the numbers measure the pipeline on it, not on a person.
export interface VoiceSample {
  id: string;
  kind: "en" | "zh" | "mixed";
  voice: string;
  text: string;
}

export const VOICE_CORPUS: readonly VoiceSample[] = [
  { id: "en-settings", kind: "en", voice: "en-us", text: "Please open the settings file and add a new test for the parser." },
  { id: "en-rename", kind: "en", voice: "en-us", text: "Rename this function and update every place that calls it." },
  { id: "en-build", kind: "en", voice: "en-us", text: "Why does the build fail when I run the tests on Windows?" },
  { id: "zh-settings", kind: "zh", voice: "cmn", text: "请打开设置文件，然后为解析器添加一个新的测试。" },
  { id: "zh-rename", kind: "zh", voice: "cmn", text: "把这个函数重新命名，并且更新所有调用它的地方。" },
  { id: "zh-build", kind: "zh", voice: "cmn", text: "为什么我运行测试的时候构建会失败？" },
  { id: "mixed-python", kind: "mixed", voice: "cmn", text: "我们明天用 Python 写一个 API 测试。" },
  { id: "mixed-bug", kind: "mixed", voice: "cmn", text: "请帮我修复 login 函数里面的 bug。" },
];
